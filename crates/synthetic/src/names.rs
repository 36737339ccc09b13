//! Built-in name lists: given and family names from many heritages (so the member list looks
//! like a diverse US region), street names, and made-up town names. All lists are plain
//! whitespace-separated words so they stay easy to extend.

/// One heritage: its names and the language a share of its households prefer.
pub struct Heritage {
    pub female: &'static str,
    pub male: &'static str,
    pub family: &'static str,
    /// BCP-47 code and display of a preferred non-English language, if any.
    pub language: Option<(&'static str, &'static str)>,
    /// Share (per mille) of households of this heritage that prefer that language.
    pub language_per_mille: u32,
    /// Weight (per mille) of this heritage among households.
    pub weight: u32,
}

pub const HERITAGES: &[Heritage] = &[
    Heritage {
        female: "Emma Olivia Ava Sophia Isabella Mia Charlotte Amelia Harper Evelyn Abigail Emily \
                 Elizabeth Sofia Avery Ella Scarlett Grace Chloe Victoria Riley Aria Lily Aubrey \
                 Zoey Penelope Lillian Addison Layla Natalie Camila Hannah Brooklyn Zoe Nora Leah \
                 Savannah Audrey Claire Eleanor Skylar Ellie Samantha Stella Paisley Violet Mila \
                 Allison Alexa Anna Hazel Aaliyah Ariana Lucy Caroline Sarah Genesis Kennedy Sadie \
                 Gabriella Madelyn Adeline Maya Autumn Aurora Piper Hailey Arianna Kaylee Ruby \
                 Serenity Eva Naomi Nevaeh Alice Luna Bella Quinn Lydia Peyton Melanie Kylie Aubree \
                 Mackenzie Katherine Margaret Susan Linda Barbara Patricia Jennifer Mary Karen \
                 Nancy Betty Dorothy Sandra Ashley Kimberly Donna Carol Michelle Amanda Melissa \
                 Deborah Stephanie Rebecca Laura Sharon Cynthia Kathleen Amy Shirley Angela Helen \
                 Brenda Pamela Nicole Ruth Katherine Christine Debra Rachel Carolyn Janet Virginia \
                 Maria Heather Diane Julie Joyce Frances Judith Cheryl Megan Andrea Jacqueline \
                 Gloria Teresa Kathryn Sara Janice Jean Alicia Denise Tamika Keisha Latoya Ebony \
                 Imani Jasmine Tiana Aliyah Destiny Kiara Nia Shanice Danielle Monique",
        male: "Liam Noah William James Oliver Benjamin Elijah Lucas Mason Logan Alexander Ethan \
               Jacob Michael Daniel Henry Jackson Sebastian Aiden Matthew Samuel David Joseph \
               Carter Owen Wyatt John Jack Luke Jayden Dylan Grayson Levi Isaac Gabriel Julian \
               Mateo Anthony Jaxon Lincoln Joshua Christopher Andrew Theodore Caleb Ryan Asher \
               Nathan Thomas Leo Isaiah Charles Josiah Hudson Christian Hunter Connor Eli Ezra \
               Aaron Landon Adrian Jonathan Nolan Jeremiah Easton Elias Colton Cameron Carson \
               Robert Angel Maverick Nicholas Dominic Jaxson Greyson Adam Ian Austin Santiago \
               Jordan Cooper Brayden Roman Evan Ezekiel Xavier Jose Jace Jameson Leonardo Bryson \
               Axel Everett Parker Kayden Miles Sawyer Jason Richard Mark Donald Steven Paul \
               Kenneth Kevin Brian George Timothy Ronald Edward Jeffrey Gary Eric Stephen Larry \
               Justin Scott Brandon Benjamin Frank Gregory Raymond Patrick Jack Dennis Jerry \
               Tyler Douglas Harold Peter Walter Arthur Terry Roger Keith Gerald Lawrence Willie \
               Darnell Jamal Malik Terrell DeShawn Marcus Tyrone Andre Jerome Darius Kareem \
               Reginald Cedric Lamar",
        family: "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas \
                 Moore Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young \
                 Allen King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts \
                 Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook \
                 Rogers Morgan Peterson Cooper Reed Bailey Bell Kelly Howard Ward Cox Richardson \
                 Wood Watson Brooks Bennett Gray James Hughes Price Sanders Myers Long Ross Foster \
                 Powell Jenkins Perry Russell Sullivan Fisher Henderson Coleman Simmons Patterson \
                 Jordan Reynolds Hamilton Graham Wallace Woods Cole West Owens Marshall Ellis \
                 Harrison Gibson McDonald Murray Freeman Wells Webb Simpson Stevens Tucker Porter \
                 Hunter Hicks Crawford Henry Boyd Mason Kennedy Warren Dixon Burns Gordon Shaw \
                 Holmes Rice Robertson Hunt Black Daniels Palmer Mills Nichols Grant Knight \
                 Ferguson Stone Hawkins Dunn Perkins Hudson Spencer Stephens Pierce Hansen Olson \
                 Larson Schmidt Schneider Meyer Weber Wagner Becker Hoffman Kowalski Novak \
                 O'Brien Byrne Gallagher Doyle Russo Romano Bianchi Greco Ricci Marino Lindqvist \
                 Johansson Nielsen Jensen Dubois Laurent Moreau",
        language: None,
        language_per_mille: 0,
        weight: 600,
    },
    Heritage {
        female: "Sofia Valentina Camila Isabella Lucia Mariana Gabriela Daniela Ximena Valeria \
                 Natalia Fernanda Andrea Paola Alejandra Carolina Veronica Adriana Diana Elena \
                 Rosa Guadalupe Maria Carmen Josefina Teresa Ana Patricia Leticia Yolanda Araceli \
                 Esperanza Graciela Marisol Beatriz Luz Angelica Rocio Jimena Renata Regina Paula \
                 Victoria Emilia Mia Catalina Antonella Abril Juliana Martina Salma Itzel Maribel \
                 Lorena Claudia Silvia Norma Alma Irma Gloria Dolores Raquel Cristina Liliana",
        male: "Santiago Mateo Sebastian Leonardo Matias Diego Emiliano Daniel Alejandro Nicolas \
               Gabriel Samuel Tomas Joaquin Lucas Adrian Angel Manuel Jose Juan Luis Carlos Jorge \
               Miguel Francisco Antonio Javier Fernando Ricardo Eduardo Roberto Rafael Pedro \
               Alberto Sergio Raul Arturo Enrique Hector Ramon Oscar Ruben Mario Cesar Hugo \
               Andres Julio Ivan Gerardo Armando Ernesto Alfredo Felipe Rodrigo Marco Esteban \
               Ignacio Benjamin Emanuel Alonso Julian",
        family: "Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres \
                 Flores Rivera Gomez Diaz Reyes Morales Cruz Ortiz Gutierrez Chavez Ramos Ruiz \
                 Alvarez Mendoza Castillo Jimenez Moreno Romero Herrera Medina Aguilar Vargas \
                 Guzman Mendez Munoz Castro Vasquez Salazar Rojas Contreras Guerrero Estrada \
                 Soto Delgado Ortega Sandoval Nunez Dominguez Vega Rios Juarez Ibarra Cabrera \
                 Figueroa Campos Fuentes Carrillo Padilla Navarro Espinoza Valdez Acosta Molina \
                 Serrano Cortez Pacheco Villanueva Zamora Velasquez Lara Cervantes Trujillo",
        language: Some(("es", "Spanish")),
        language_per_mille: 380,
        weight: 190,
    },
    Heritage {
        female: "Mei Li Xiu Ying Hui Jing Yan Fang Ling Lan Hong Yun Qing Xin Yue Lei Na Jie Min \
                 Wen Ting Xia Zhen Hua Shu Rui Yi Ning Lili Meili Jia Xiaoling Huan Yuxin Zihan \
                 Yutong Xinyi Ruoxi Shuang Qian Chun",
        male: "Wei Jun Ming Hao Jian Lei Qiang Tao Bo Yong Chen Gang Jie Feng Hui Kang Long \
               Peng Xin Yu Zhi Cheng Bin Dong Hai Hong Jin Liang Ping Quan Shan Tian Wen Xiang \
               Yang Zhen Zihao Haoran Yichen Junjie Zhiwei Jiahao",
        family: "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo \
                 Gao Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan \
                 Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding Ren Shen Yao Lu Jiang Cui Zhong Tan \
                 Lam Chan Wong Leung Ho Chow Ng Yip Kwan Tse",
        language: Some(("zh", "Chinese")),
        language_per_mille: 300,
        weight: 45,
    },
    Heritage {
        female: "Linh Mai Lan Huong Thu Trang Ngoc Anh Hoa Thao Phuong Hanh Nga Hien Dung Hang \
                 Yen Vy Nhung Quynh Tam Uyen Diem Khanh Kim Loan Thanh Tuyet Xuan Bich",
        male: "Minh Duc Hung Tuan Nam Long Huy Khoa Quang Phong Thanh Hai Son Dung Vinh Bao \
               Trung Hieu Tien Khang Loc Phuc Tan Thang Cuong Dat Hoang Kiet Nhat Quoc",
        family: "Nguyen Tran Le Pham Hoang Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly Truong Dinh \
                 Lam Mai Trinh Luu Cao Ha Thai Ta Quach Luong Vuong Chau Doan",
        language: Some(("vi", "Vietnamese")),
        language_per_mille: 350,
        weight: 25,
    },
    Heritage {
        female: "Maria Angelica Kristine Joy Rowena Marites Jocelyn Lorna Maricel Ligaya Analyn \
                 Rosalie Jasmine Princess Angel Kimberly Rhea Cherry Divina Imelda Corazon \
                 Teresita Evangeline Luzviminda Marilou Rachelle Liezel Arlene Glenda Mylene",
        male: "Jose Juan Mark Angelo Christian Rommel Ramon Eduardo Reynaldo Rodel Jericho \
               Bayani Danilo Ernesto Romeo Rolando Arnel Jomar Joel Emmanuel Jayson Renato Noel \
               Ariel Benigno Efren Marlon Dante Edgardo Rogelio",
        family: "Santos Reyes Cruz Bautista Ocampo Garcia Mendoza Torres Tomas Andrada Castillo \
                 Flores Villanueva Ramos Castro Rivera Aquino Navarro Salazar Mercado Pena \
                 Soriano Dizon Gonzales Manalo Pascual Marquez Santiago Lim Tan Macaraeg \
                 Mangubat Dimaculangan Magbanua Panganiban Agbayani",
        language: Some(("tl", "Tagalog")),
        language_per_mille: 150,
        weight: 30,
    },
    Heritage {
        female: "Ji-woo Seo-yeon Min-seo Ha-eun Ji-min Soo-ah Yuna Eun-ji Hye-jin Mi-rae So-yeon \
                 Ye-jin Da-eun Chae-won Yeon-woo Su-bin Hana Jiyoung Minji Seojin Eunbi Haneul",
        male: "Min-jun Seo-jun Do-yun Ji-ho Joon-ho Hyun-woo Jae-won Sung-min Tae-yang Dong-hyun \
               Jin-woo Woo-jin Sang-hoon Kyung-soo Jun-seo Ha-joon Yejun Minho Jihoon Seungwoo",
        family: "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn \
                 Song Yoo Hong Jeon Go Moon Yang Son Bae Baek Heo Nam Noh",
        language: Some(("ko", "Korean")),
        language_per_mille: 300,
        weight: 20,
    },
    Heritage {
        female: "Priya Ananya Aisha Diya Isha Kavya Meera Neha Pooja Riya Saanvi Shreya Sneha \
                 Tanvi Aarohi Anika Deepa Divya Lakshmi Nisha Radha Sunita Anjali Kiran Madhuri \
                 Pallavi Rekha Shanti Harpreet Simran Gurleen Jaspreet Navneet Fatima Ayesha",
        male: "Aarav Arjun Vihaan Aditya Rohan Rahul Vikram Sanjay Amit Anil Rajesh Suresh \
               Ravi Karan Nikhil Pranav Siddharth Vivek Ashok Deepak Manoj Harpreet Gurpreet \
               Jaswinder Manpreet Sandeep Imran Faisal Omar Tariq Arnav Ishaan Kabir Dev",
        family: "Patel Shah Singh Kumar Sharma Gupta Mehta Desai Reddy Rao Iyer Nair Menon Joshi \
                 Kapoor Malhotra Chopra Agarwal Banerjee Chatterjee Mukherjee Das Bose Sinha \
                 Pillai Krishnan Subramanian Venkatesan Gill Sandhu Dhillon Grewal Khan Ahmed \
                 Hussain Qureshi Chaudhry Siddiqui",
        language: Some(("hi", "Hindi")),
        language_per_mille: 80,
        weight: 30,
    },
    Heritage {
        female: "Fatima Layla Noor Mariam Yasmin Amira Hana Leila Salma Rania Dina Zainab Huda \
                 Samira Lina Aya Reem Nadia Sara Jana Malak Ghada Iman Rana Widad",
        male: "Mohammed Ahmed Ali Omar Hassan Youssef Khaled Ibrahim Mustafa Tariq Karim Samir \
               Nabil Walid Hamza Bilal Zaid Adel Fadi Rami Sami Jamal Nasser Majid Anas",
        family: "Haddad Khoury Nasser Saleh Mansour Hamdan Aziz Farah Awad Ibrahim Hassan \
                 Abdullah Darwish Karam Sabbagh Bishara Qasim Halabi Masri Suleiman Yousef \
                 Khalil Jaber Najjar Shaheen Tamimi Zayed Rahman Bakr Othman",
        language: Some(("ar", "Arabic")),
        language_per_mille: 250,
        weight: 20,
    },
    Heritage {
        female: "Anastasia Olga Tatiana Natalia Irina Svetlana Elena Yulia Oksana Daria Anna \
                 Ekaterina Marina Galina Ludmila Veronika Alina Kseniya Polina Sofiya Nadia",
        male: "Alexei Dmitri Sergei Andrei Ivan Mikhail Nikolai Pavel Vladimir Yuri Oleg Igor \
               Maxim Artem Bogdan Taras Viktor Roman Kirill Anton Denis",
        family: "Ivanov Petrov Smirnov Kuznetsov Popov Volkov Sokolov Lebedev Kozlov Novikov \
                 Morozov Pavlov Orlov Fedorov Melnyk Shevchenko Kovalenko Bondarenko Tkachenko \
                 Kravchenko Oliynyk Boyko Moroz Lysenko Petrenko",
        language: Some(("ru", "Russian")),
        language_per_mille: 250,
        weight: 20,
    },
    Heritage {
        female: "Amara Adaeze Chioma Ngozi Folake Abena Akosua Ama Efua Zainab Halima Amina \
                 Fatou Aminata Mariama Nkechi Ifeoma Yetunde Wanjiru Njeri Achieng Makena \
                 Hiwot Selam Meron Tigist Ayan Hodan Sagal",
        male: "Chinedu Emeka Obinna Kwame Kofi Kwabena Yaw Tunde Ade Olumide Babatunde Femi \
               Ousmane Mamadou Ibrahima Moussa Abdi Mohamed Tesfaye Dawit Yonas Kamau Otieno \
               Mwangi Kipchoge Abebe Bereket Samuel",
        family: "Okafor Okonkwo Eze Nwosu Adeyemi Okeke Balogun Mensah Owusu Boateng Asante \
                 Diallo Traore Keita Toure Kamara Conteh Kiplagat Ochieng Mwangi Kariuki \
                 Tesfaye Bekele Haile Girma Abdi Warsame Farah Mohamud Osman",
        language: Some(("so", "Somali")),
        language_per_mille: 60,
        weight: 20,
    },
];

pub const STREETS: &str = "Maple Oak Cedar Pine Elm Willow Birch Aspen Alder Spruce Juniper \
    Sycamore Magnolia Chestnut Hawthorn Laurel Poplar Cypress Redwood Hemlock Dogwood Holly \
    Linden Hickory Walnut Orchard Meadow Prairie Ridge Summit Valley Canyon Brook River Lake \
    Harbor Bay Bluff Hillside Sunset Sunrise Highland Park Garden Forest Mill Church School \
    Market Union Liberty Washington Lincoln Jefferson Madison Franklin Adams Jackson Grant \
    Monroe Hamilton Clinton Heritage Pioneer Frontier Commerce Industrial Airport Station \
    Railroad Lighthouse Quarry Granite Marble Copper Silver Golden Crystal Falcon Heron \
    Sparrow Robin Cardinal Bluebird Eagle Hawk Osprey Fox Deer Elk Bear Otter Salmon Trout";

pub const STREET_KINDS: &[&str] = &[
    "St", "Ave", "Rd", "Dr", "Ln", "Way", "Ct", "Pl", "Blvd", "Ter", "Loop", "Cir",
];

/// Town name halves: a prefix and a suffix make a plausible, made-up town.
pub const TOWN_FIRST: &[&str] = &[
    "Cedar", "Maple", "River", "Oak", "Pine", "Willow", "Clear", "Green", "Silver", "Stone",
    "Fair", "Spring", "Elm", "Ash", "Bright", "Mill", "North", "East", "West", "Lake",
];
pub const TOWN_SECOND: &[&str] = &[
    "ton", "field", "brook", "dale", "wood", "view", "haven", "port", "crest", "ford", " Falls",
    " Springs", " Hills", " Valley", " Grove", " Park",
];

/// Split a whitespace-separated list.
pub fn words(list: &'static str) -> Vec<&'static str> {
    list.split_whitespace().collect()
}

/// The lists, split once per generator run.
pub struct NameBook {
    pub heritages: Vec<HeritageNames>,
    pub weights: Vec<u32>,
    pub streets: Vec<&'static str>,
}

pub struct HeritageNames {
    pub female: Vec<&'static str>,
    pub male: Vec<&'static str>,
    pub family: Vec<&'static str>,
    pub language: Option<(&'static str, &'static str)>,
    pub language_per_mille: u32,
}

impl Default for NameBook {
    fn default() -> Self {
        Self::new()
    }
}

impl NameBook {
    pub fn new() -> Self {
        NameBook {
            heritages: HERITAGES
                .iter()
                .map(|h| HeritageNames {
                    female: words(h.female),
                    male: words(h.male),
                    family: words(h.family),
                    language: h.language,
                    language_per_mille: h.language_per_mille,
                })
                .collect(),
            weights: HERITAGES.iter().map(|h| h.weight).collect(),
            streets: words(STREETS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sizable_and_clean() {
        let book = NameBook::new();
        let total: usize = book
            .heritages
            .iter()
            .map(|h| h.female.len() + h.male.len() + h.family.len())
            .sum();
        assert!(total > 1000, "{total}");
        for h in &book.heritages {
            assert!(h.female.len() >= 20 && h.male.len() >= 20 && h.family.len() >= 25);
            for w in h.female.iter().chain(&h.male).chain(&h.family) {
                assert!(
                    w.chars()
                        .all(|c| c.is_alphabetic() || c == '-' || c == '\''),
                    "{w}"
                );
            }
        }
        assert!(book.streets.len() > 80);
    }
}
